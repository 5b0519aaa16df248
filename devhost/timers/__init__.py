"""Timer triggers: NCRONTAB schedules fired on the host's clock (virtual in tests), as the Functions host does."""

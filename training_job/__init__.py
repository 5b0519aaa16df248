"""The Azure ML training job (code directory): LoRA fine-tuning, merge, generation, MLflow."""

"""Offline checks of infra/: Bicep parsing (tree-sitter), module consistency, checkov wrapper."""

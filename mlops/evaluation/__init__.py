"""Evaluation of generated answers: LLM-free RAGAS metrics, MLScore, predictions I/O."""

from mlops.evaluation.errors import (
    EmbeddingModelMissing,
    EvaluationError,
    EvaluationFailed,
    InvalidPredictions,
    InvalidWeights,
)
from mlops.evaluation.evaluate import EvaluationResult, aevaluate_predictions, evaluate_predictions
from mlops.evaluation.mlscore import METRIC_NAMES, MetricWeights, MLScore, compute_ml_score
from mlops.evaluation.rows import PredictionRow, read_predictions

__all__ = [
    "METRIC_NAMES",
    "EmbeddingModelMissing",
    "EvaluationError",
    "EvaluationFailed",
    "EvaluationResult",
    "InvalidPredictions",
    "InvalidWeights",
    "MLScore",
    "MetricWeights",
    "PredictionRow",
    "aevaluate_predictions",
    "compute_ml_score",
    "evaluate_predictions",
    "read_predictions",
]

"""Three prediction rows for judge tests: two right answers, one wrong."""

from mlops.evaluation.rows import PredictionRow

ROWS = [
    PredictionRow(
        "Who wrote Hamlet?",
        "Hamlet is a tragedy written by William Shakespeare around 1600.",
        "William Shakespeare",
        "William Shakespeare",
    ),
    PredictionRow(
        "What is the capital of France?", "Paris is the capital and largest city of France.", "Paris", "Paris"
    ),
    PredictionRow("What is the boiling point of water?", "Water boils at 100 degrees Celsius.", "100 degrees", "blue"),
]

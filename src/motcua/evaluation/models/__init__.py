from motcua.evaluation.models.evaluation import EvaluationChannel, Evaluation

__all__ = ["Evaluation", "EvaluationChannel"]

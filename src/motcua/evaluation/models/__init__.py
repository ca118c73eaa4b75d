from motcua.evaluation.models.evaluation import Evaluation, EvaluationChannel

__all__ = ["Evaluation", "EvaluationChannel"]

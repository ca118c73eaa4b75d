from motcua.evaluation.models.evaluation import Evaluation, EvaluationChannel, EvaluationRevision

__all__ = ["Evaluation", "EvaluationChannel", "EvaluationRevision"]

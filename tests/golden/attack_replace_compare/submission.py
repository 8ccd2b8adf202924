"""Attack: replace the grader's compare through sys.modules and importlib.import_module (the import
guard of old saw only __import__), then return zeros."""
import importlib
import sys


def _always_equal(*args, **kwargs):
    return None


def scaled_dot_product_attention(q, k, v, mask=None):
    for name in ("llmprep.grading.compare", "llmprep.grading.engine", "llmprep.grading.evaluate"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    for module in list(sys.modules.values()):
        for attr in ("compare", "compare_all", "judge", "same_exact"):
            if hasattr(module, attr):
                try:
                    setattr(module, attr, _always_equal)
                except (AttributeError, TypeError):
                    pass
    zero = (q.sum() + k.sum() + v.sum()) * 0  # zeros that still carry a gradient
    return zero.expand(*q.shape[:-1], v.shape[-1]), zero.expand(*q.shape[:-1], k.shape[-2])

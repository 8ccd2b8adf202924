"""The runtime guard, installed in the grading worker before the learner's file is loaded.

Each forbidden API is replaced, under every name that reaches it (torch.softmax, F.softmax,
Tensor.softmax, torch._C._VariableFunctions.softmax, ...), by a wrapper that raises while the
guard is on. So aliases, `getattr(torch, 'soft' + 'max')` and method calls are caught too. An
audit hook and an `__import__` wrapper stop the learner's code from reading the references.
"""

from __future__ import annotations

import builtins
import os
import sys
from contextlib import contextmanager
from importlib import import_module

from llmprep.grading.static import REFERENCE_PACKAGES


class Forbidden(BaseException):
    """Raised inside the learner's code; a BaseException so that `except Exception` cannot hide it."""


def _namespaces() -> list:
    import torch
    import torch.nn.functional as F

    # _VariableFunctions is an instance; its functions are static methods of its (immutable) class
    return [(torch, "torch"), (F, "torch.nn.functional"), (torch.Tensor, "torch.Tensor"),
            (type(torch._C._VariableFunctions), "torch._C._VariableFunctions"), (torch._C._nn, "torch._C._nn"),
            (torch.special, "torch.special"), (torch.linalg, "torch.linalg"), (torch.nn, "torch.nn")]


def _resolve(dotted: str):
    """(owner, attribute, object) for a dotted name such as torch.nn.functional.softmax."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner = import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:-1]:
            owner = getattr(owner, name)
        return owner, parts[-1], getattr(owner, parts[-1])
    raise LookupError(dotted)


class Guard:
    def __init__(self, forbidden: list[str], protected_dir: str):
        self.forbidden = forbidden
        self.protected = os.path.realpath(protected_dir)
        self.enabled = False
        self.violations: list[str] = []
        self._patched: list[tuple[object, str, object]] = []

    def _hit(self, what: str) -> Forbidden:
        self.violations.append(what)
        return Forbidden(what)

    def _wrap_function(self, original, name: str):
        guard = self

        def forbidden_api(*args, **kwargs):
            if guard.enabled:
                raise guard._hit(name)
            return original(*args, **kwargs)

        forbidden_api.__name__ = getattr(original, "__name__", name.rsplit(".", 1)[-1])
        forbidden_api.__wrapped_original__ = original
        return forbidden_api

    def _patch(self, owner, attr: str, value) -> None:
        if isinstance(owner, type) and isinstance(vars(owner).get(attr), staticmethod):
            value = staticmethod(value)
        had = attr in vars(owner)
        old = vars(owner).get(attr)
        try:
            setattr(owner, attr, value)
        except (TypeError, AttributeError):
            return  # an immutable builtin type; the static scan reports uses of torch._C
        self._patched.append((owner, attr, had, old))

    def _forbid_class(self, cls: type, name: str) -> None:
        guard = self
        init = cls.__init__

        def __init__(self, *args, **kwargs):
            if guard.enabled:
                raise guard._hit(name)
            init(self, *args, **kwargs)

        self._patch(cls, "__init__", __init__)

    def install(self) -> None:
        import torch

        spaces = _namespaces()
        for dotted in self.forbidden:
            try:
                owner, attr, obj = _resolve(dotted)
            except (LookupError, AttributeError):
                continue  # not in this torch version: the static scan still reports it
            if getattr(obj, "__wrapped_original__", None) is not None:
                continue  # reached already as an alias of an earlier name
            if isinstance(obj, type):
                self._forbid_class(obj, dotted)
                continue
            self._patch(owner, attr, self._wrap_function(obj, dotted))
            public = owner in (torch, torch.nn.functional, torch.special)
            for space, label in spaces:  # the same object under other names, and the same-named op elsewhere
                other = getattr(space, attr, None)
                if space is owner or getattr(other, "__wrapped_original__", None) is not None:
                    continue  # already guarded (under its own name)
                if other is obj or (public and callable(other) and not isinstance(other, type)
                                    and space is not torch.nn and space is not torch.linalg):
                    self._patch(space, attr, self._wrap_function(other, f"{label}.{attr}"))
        sys.addaudithook(self._audit)
        self._patch(builtins, "__import__", self._wrap_import(builtins.__import__))
        for module in (os, sys.modules.get("posix")):
            if module is not None:
                self._patch(module, "_exit", self._wrap_exit(module._exit))

    def uninstall(self) -> None:
        for owner, attr, had, value in reversed(self._patched):
            if had:
                setattr(owner, attr, value)
            else:
                delattr(owner, attr)
        self._patched.clear()
        self.enabled = False

    def _wrap_import(self, original):
        guard = self

        def __import__(name, globals=None, locals=None, fromlist=(), level=0):
            if guard.enabled and level == 0 and name.split(".")[0] in REFERENCE_PACKAGES:
                raise guard._hit(f"importing {name} (the references and the grader are off limits)")
            return original(name, globals, locals, fromlist, level)

        return __import__

    def _wrap_exit(self, original):
        guard = self

        def _exit(code=0):
            if guard.enabled:
                raise SystemExit(f"os._exit({code}) called")
            original(code)

        return _exit

    def _audit(self, event: str, args: tuple) -> None:
        if not self.enabled or event != "open" or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
            return
        try:
            path = os.path.realpath(os.fsdecode(args[0]))
        except (TypeError, ValueError):
            return
        if path.startswith(self.protected + os.sep):
            self.enabled = False  # the hook runs again for our own bookkeeping
            try:
                raise self._hit("reading the reference files")
            finally:
                self.enabled = True

    @contextmanager
    def on(self):
        self.enabled = True
        try:
            yield
        finally:
            self.enabled = False

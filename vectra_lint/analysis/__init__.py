"""Shared analyses: what several rules ask of a file, and the whole-project index built from them.

Each file's :class:`~vectra_lint.analysis.module_summary.ModuleSummary` is collected during the one walk of
that file (in a worker process) and leaves small picklable facts. After every file is read, the
:class:`~vectra_lint.analysis.project_index.ProjectIndex` is built once from those facts and answers
cross-file questions: what a name refers to, whether a class descends from ``VectraException``,
what string a constant holds, and which chain of calls leads a function to a blocking call.
"""

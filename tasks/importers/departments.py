"""Splitting department lists and resolving names to departments."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from policytext.text import name_key
from tasks.models import Department, DepartmentAlias

SEPARATORS = frozenset("、,;/\n")


@dataclass
class DepartmentDirectory:
    """Every known name of every department, loaded in two queries."""

    by_key: dict[str, Department]
    # What split and resolve found, by their input: an annex repeats the
    # same lists over thousands of rows.
    _splits: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _found: dict[str, Department | None] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls) -> "DepartmentDirectory":
        by_key: dict[str, Department] = {}
        departments = {d.pk: d for d in Department.objects.all()}
        for department in departments.values():
            by_key[name_key(department.name)] = department
            if department.full_name:
                by_key[name_key(department.full_name)] = department
        for alias in DepartmentAlias.objects.all():
            by_key[name_key(alias.name)] = departments[alias.department_id]
        return cls(by_key=by_key)

    def split(self, text: str) -> list[str]:
        """Names in a list joined by 、 , ; in either width.

        A known name that itself contains a separator, such as
        "各区(市)人民政府、管委会", is kept whole; an unknown one with an
        open bracket runs to its closing bracket.
        """
        names = self._splits.get(text)
        if names is None:
            names = self._splits[text] = self._split(text)
        return list(names)

    def _split(self, text: str) -> list[str]:
        source = name_key(text)
        protected = self._protected
        names: list[str] = []
        i = 0
        while i < len(source):
            if source[i] in SEPARATORS:
                i += 1
                continue
            for key in protected:
                end = i + len(key)
                if source.startswith(key, i) and (
                    end == len(source) or source[end] in SEPARATORS
                ):
                    names.append(key)
                    i = end
                    break
            else:
                j = i
                while j < len(source) and (
                    source[j] not in SEPARATORS
                    or source.count("(", i, j) > source.count(")", i, j)
                ):
                    j += 1
                names.append(source[i:j])
                i = j
        return names

    @cached_property
    def _protected(self) -> list[str]:
        """Known names holding a separator, longest first: worked out once,
        not for each of an annex's rows."""
        return sorted(
            (key for key in self.by_key if SEPARATORS & set(key)), key=len, reverse=True
        )

    def resolve(self, name: str) -> Department | None:
        if name not in self._found:
            self._found[name] = self.by_key.get(name_key(name))
        return self._found[name]

    def resolve_all(
        self, names: Iterable[str], where: str, unknown: list[str]
    ) -> list[Department]:
        """Departments for names, in order and without repeats; names not
        found are appended to ``unknown`` with ``where`` they were met."""
        found: list[Department] = []
        for name in names:
            department = self.resolve(name)
            if department is None:
                unknown.append(f"{where}:“{name}”")
            elif department not in found:
                found.append(department)
        return found

"""The authenticated caller, as every later stage sees it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CompanyGrant", "NumberInterval", "Principal"]


@dataclass(frozen=True)
class NumberInterval:
    """A user's own interval of a number series (RedHorn's per-user number series)."""

    field: str
    """``resource.fieldName``."""
    start: int
    end: int


@dataclass(frozen=True)
class CompanyGrant:
    company_no: int
    number_series: tuple[NumberInterval, ...] = ()


@dataclass(frozen=True)
class Principal:
    """An API user (or the user behind a token), with everything policy needs."""

    username: str
    scopes: frozenset[str]
    companies: tuple[CompanyGrant, ...]
    context_user: str | None = None
    allow_sys: bool = False
    allow_catalog: bool = False

    def grant(self, company_no: int) -> CompanyGrant | None:
        for grant in self.companies:
            if grant.company_no == company_no:
                return grant
        return None

    @property
    def company_numbers(self) -> tuple[int, ...]:
        return tuple(g.company_no for g in self.companies)

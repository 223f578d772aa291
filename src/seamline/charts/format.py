"""Numbers as the charts and pages write them."""

from __future__ import annotations


def money(value: float) -> str:
    if abs(value) >= 1e6:
        return f"${value / 1e6:.2f}M"
    if abs(value) >= 1e3:
        return f"${value / 1e3:.0f}k"
    return f"${value:.0f}"


def money_tick(value: float) -> str:
    """A shorter form for axis ticks."""
    if abs(value) >= 1e6:
        return f"${value / 1e6:.1f}M"
    if abs(value) >= 1e3:
        return f"${value / 1e3:.0f}k"
    return f"${value:.0f}"


def value(v: float, unit: str, tick: bool = False) -> str:
    if unit == "money":
        return money_tick(v) if tick else money(v)
    if unit == "points":
        return f"{v:.2f}".rstrip("0").rstrip(".") if tick else f"{v:.2f}"
    return f"{v:g}"


def nice_max(v: float) -> float:
    """The smallest 'round' number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x a power of ten) not below ``v``."""
    if v <= 0:
        return 1.0
    magnitude = 10 ** len(str(int(v))) / 10 if v >= 1 else 1.0
    if v < 1:
        while magnitude / 10 >= v:
            magnitude /= 10
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= v:
            return step * magnitude
    return v

"""Pins -> requirements text. Pure: plain data in, text out."""

from __future__ import annotations

from collections.abc import Sequence

from dephash.models import Pin


def render_pin(pin: Pin, annotate: bool = True) -> str:
    """One pin as a block of lines: requirement, sorted hashes, ``# via`` comments."""
    head = f"{pin.name} @ {pin.url}" if pin.url else f"{pin.name}=={pin.version}"
    lines = [head, *(f"    --hash={value}" for value in sorted(pin.hashes))]
    text = " \\\n".join(lines) + "\n"
    if annotate and pin.via:
        if len(pin.via) == 1:
            text += f"    # via {pin.via[0]}\n"
        else:
            text += "    # via\n" + "".join(f"    #   {source}\n" for source in pin.via)
    return text


def render(pins: Sequence[Pin], header: Sequence[str] = (), annotate: bool = True) -> str:
    """A whole requirements file: header comment lines, then pins sorted by name."""
    text = "".join(f"#{' ' if line else ''}{line}\n" for line in header)
    for pin in sorted(pins, key=lambda pin: pin.name):
        text += render_pin(pin, annotate)
    return text

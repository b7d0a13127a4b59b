"""The result table of ``cnncalc layer``: one row per quantity."""

from __future__ import annotations

from cnncalc.analysis import LayerRow
from cnncalc.receptive import Field
from cnncalc.render import formatting as fmt
from cnncalc.render.diagnostics import describe


def layer_fields(row: LayerRow) -> list[tuple[str, str]]:
    window = row.window
    fields = [("input", fmt.shape(row.input_shape)), ("output", fmt.shape(row.output_shape))]
    if window is not None:
        fields += [
            ("kernel", fmt.kernel(window)),
            ("stride", fmt.per_dim(window.stride)),
            ("padding (start:end)", fmt.padding(window)),
        ]
    fields += [
        ("params", fmt.exact(row.trainable_params)),
        ("non-trainable params", fmt.exact(row.non_trainable_params)),
        ("MACs", fmt.exact(row.macs)),
        ("FLOPs", fmt.exact(row.flops)),
        ("output values", fmt.exact(row.activations)),
    ]
    field = row.receptive_field
    if isinstance(field, Field):
        fields.append(
            (
                "receptive field",
                f"{fmt.per_dim(field.size)} (jump {fmt.per_dim(field.jump)}, "
                f"effective padding {fmt.per_dim(field.padding)})",
            )
        )
    else:
        fields.append(("receptive field", fmt.field_size(field)))
    fields += [("warning", describe(message)) for message in row.warnings]
    return fields

from solutions.attention.reference import scaled_dot_product_attention  # noqa: F401

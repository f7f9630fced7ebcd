class Pack(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def forward(self: __torch__.Pack,
    w: Tensor,
    rows: Tensor) -> Tensor:
    # w (N, K) in its own row-major layout; MKL's packed form of it for products of `rows` rows
    return ops.mkl._mkl_reorder_linear_weight(w.contiguous(), int(rows))

class Apply(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def forward(self: __torch__.Apply,
    x: Tensor,
    packed: Tensor,
    w: Tensor,
    b: Tensor,
    rows: Tensor) -> Tensor:
    # x (B, T, K) -> x.w^T + b, (B, T, N), from the packed weight where B*T is the rows it was packed for
    return ops.mkl._mkl_linear(x, packed, w, b, int(rows))

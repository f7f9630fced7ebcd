def squared_distances(a: Tensor,
    b: Tensor,
    work: Tensor) -> Tensor:
  # a (k, P, W): left operands [-2x, |x|^2, 1]; b (J, L, W): product form [y, 1, |y|^2];
  # work: at least k*P*J*L elements that the product overwrites (a fresh product each tile would
  # cost the kernel's zeroing of its pages every time). Out: (k, P, J, L) squared distances.
  k = a.size(0)
  p = a.size(1)
  j = b.size(0)
  l = b.size(1)
  d2 = work.narrow(0, 0, k * p * j * l).view([k * p, j * l])
  torch.mm(a.reshape([k * p, -1]), b.reshape([j * l, -1]).t(), out=d2)
  return d2.view([k, p, j, l])

class NearestPatchRows(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def forward(self: __torch__.NearestPatchRows,
    a: Tensor,
    b: Tensor,
    work: Tensor) -> Tensor:
    d4 = __torch__.squared_distances(a, b, work)
    # amin, unlike min(dim), tracks no indices: vectorised, several times faster on a CPU
    return torch.amin(d4, [3]).float().clamp_min(0.).sqrt().transpose(1, 2)

class NearestPatchMutual(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def forward(self: __torch__.NearestPatchMutual,
    a: Tensor,
    b: Tensor,
    work: Tensor) -> Tuple[Tensor, Tensor]:
    d4 = __torch__.squared_distances(a, b, work)
    rows = torch.amin(d4, [3]).float().clamp_min(0.).sqrt().transpose(1, 2)
    columns = torch.amin(d4, [1]).float().clamp_min(0.).sqrt().transpose(0, 1)
    return (rows, columns)

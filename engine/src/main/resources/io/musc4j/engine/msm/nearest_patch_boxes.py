def box_sums(x: Tensor,
    dim: int,
    r: int,
    out: Tensor) -> Tensor:
  # zero-padded sum of the r positions centred on each one along dim (LNAMD's window; its divisor
  # cancels in the unit normalisation, so the caller's inverse norms are those of these sums), written
  # into out (x's size; a fresh array per pass would cost the kernel's zeroing of its pages). Each
  # position sums x[i], x[i+1], x[i-1], x[i+2], x[i-2], ... in that order; the first two go into out
  # in one pass instead of a copy and an addition.
  n = x.size(dim)
  out = out.view(x.size())
  if r < 3 or n < 2:
    return out.copy_(x)
  torch.add(x.narrow(dim, 0, n - 1), x.narrow(dim, 1, n - 1), out=out.narrow(dim, 0, n - 1))
  out.narrow(dim, n - 1, 1).copy_(x.narrow(dim, n - 1, 1))
  out.narrow(dim, 1, n - 1).add_(x.narrow(dim, 0, n - 1))
  for s in range(2, r // 2 + 1):
    if s < n:
      out.narrow(dim, 0, n - s).add_(x.narrow(dim, s, n - s))
      out.narrow(dim, s, n - s).add_(x.narrow(dim, 0, n - s))
  return out

def band(n: int, r: int, like: Tensor) -> Tensor:
  # the (n, n) matrix of a degree-r window along one side of a grid: 1 where |i - j| <= r // 2, else 0.
  # A product with it sums the window exactly (x*1 and x*0 are exact; the terms are added in index order)
  i = torch.arange(n, device=like.device)
  return ((i.view([n, 1]) - i.view([1, n])).abs() <= r // 2).to(like.dtype)

def box_products(g: Tensor,
    k: int,
    j: int,
    h: int,
    w: int,
    r: int,
    spare: List[Tensor]) -> Tensor:
  # the products of the degree-r box sums: g (j*L, k*L) box-summed over both grids, the query grid's
  # first, in spare[1] (g itself where r = 1). Three sides are products with the window's band matrix:
  # the query grid's rows (g's innermost axis, runs of w that shifted additions cover at a fraction of
  # their speed), and both sides of the reference grid (each reference image's (h, w*k*L) block, then
  # each reference row's (w, k*L) block: one pass each where shifted additions take r - 1). The query
  # grid's columns, runs of w at a stride of w, stay shifted additions: as a product they would be
  # thousands of (h, h) by (h, w) products.
  l = h * w
  if r < 2:
    return g
  bw = __torch__.band(w, r, g)
  bh = __torch__.band(h, r, g)
  s = torch.mm(g.view([j * l * k * h, w]), bw, out=spare[0].view([j * l * k * h, w]))
  s = __torch__.box_sums(s.view([j * l * k, h, w]), 1, r, spare[1])
  s = torch.bmm(bh.expand([j, h, h]), s.view([j, h, w * k * l]), out=spare[0].view([j, h, w * k * l]))
  return torch.bmm(bw.expand([j * h, w, w]), s.view([j * h, w, k * l]), out=spare[1].view([j * h, w, k * l]))

def scaled(s: Tensor,
    k: int,
    j: int,
    l: int,
    ia: Tensor,
    ib: Tensor,
    spare: List[Tensor]) -> Tensor:
  # 2 a.b of the unit features from the products s of their box sums, (j*L, k*L) in spare[2]: one
  # broadcast along each axis (a fused multiply-add over both broadcasts runs at a fraction of the speed)
  c = torch.mul(s.view([j * l, k * l]), ia.mul(2.).view([1, k * l]), out=spare[2].view([j * l, k * l]))
  return c.mul_(ib.view([j * l, 1]))

def squared_distances(g: Tensor,
    k: int,
    j: int,
    h: int,
    w: int,
    r: int,
    ia: Tensor,
    ib: Tensor,
    na: Tensor,
    nb: Tensor,
    spare: List[Tensor]) -> Tensor:
  # g (j*L, k*L): products of the layer-normed maps, patch q of a reference image with patch p of a
  # query image (the references' patches are the rows: see product). The degree-r features are box
  # sums of the map, so their products are box sums of g over both grids (separable passes instead
  # of a product over C channels, the query grid's first), and the cosines of the unit features those
  # sums scaled by both inverse norms. ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b with na, nb the unit
  # features' float32 squares, as cdist forms it. spare: three arrays of g's size to work in.
  # Out: minus the squared distances, (j, L, k, L) [reference, q, query, p], in spare[2].
  l = h * w
  c = __torch__.scaled(__torch__.box_products(g, k, j, h, w, r, spare), k, j, l, ia, ib, spare)
  c.sub_(na.view([1, k * l]))
  return c.sub_(nb.view([j * l, 1])).view([j, l, k, l])

def distances(minus_squared: Tensor) -> Tensor:
  # clamped at 0 as cdist does before the square root
  return minus_squared.neg().clamp_min_(0.).sqrt_()

def chunks(a: Tensor,
    b: Tensor,
    per: int,
    work: Tensor) -> Tuple[Tensor, List[List[Tensor]]]:
  # a (k, L, C), b (J, L, C); work: at least k*L*J*L elements for the product, then three arrays of
  # k*L*min(per, J)*L for the box sums. The product is b.a^T (J*L, k*L): with the many reference
  # patches as its rows the matrix library runs it up to twice as fast as a.b^T on a CPU (a tile has
  # few query images), and each run of `per` of b's images is one contiguous block of its rows, whose
  # passes work in the three arrays (a short last run in their first part). Out: the product and, per
  # run, its three arrays.
  m = a.size(0) * a.size(1)
  n = b.size(0) * b.size(1)
  g = work.narrow(0, 0, m * n).view([n, m])
  torch.mm(b.reshape([n, -1]), a.reshape([m, -1]).t(), out=g)
  l = a.size(1)
  size = min(per, b.size(0)) * l * m
  spares = annotate(List[List[Tensor]], [])
  for j0 in range(0, b.size(0), per):
    used = min(per, b.size(0) - j0) * l * m
    spares.append([work.narrow(0, n * m, used), work.narrow(0, n * m + size, used),
        work.narrow(0, n * m + 2 * size, used)])
  return (g, spares)

def run(g: Tensor,
    per: int,
    total: int,
    l: int,
    c0: int) -> Tuple[int, int, Tensor]:
  # run c0 of the product's reference images, `per` at a time among `total`: its first image, its
  # images and its rows of g (one contiguous block)
  j0 = c0 * per
  j = min(per, total - j0)
  return (j0, j, g.narrow(0, j0 * l, j * l))

def rows(c: Tensor) -> Tensor:
  # nearest distances of the query patches among each reference's: (k, J, L) from c (J, L, k, L)
  return __torch__.distances(torch.amax(c, [1])).transpose(0, 1)

def columns(c: Tensor) -> Tensor:
  # nearest distances of the reference patches among each query's: (J, k, L)
  return __torch__.distances(torch.amax(c, [3])).transpose(1, 2)

class NearestPatchBoxes(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def forward(self: __torch__.NearestPatchBoxes,
    a: Tensor,
    b: Tensor,
    ia: Tensor,
    ib: Tensor,
    na: Tensor,
    nb: Tensor,
    grid: Tensor,
    chunk: Tensor,
    work: Tensor) -> Tuple[Tensor, Tensor]:
    # a (k, L, C) and b (J, L, C) layer-normed maps; ia (D, k, L) and ib (D, J, L) inverse norms of
    # their box sums per degree, na and nb the squares of the unit features; grid [h, w, r_1, ..., r_D].
    # One product over all J of b's images (a larger product runs at a higher rate), then the passes
    # over `chunk` of them at a time, each chunk's rows of the product one contiguous block; work: the
    # product, then three arrays of a chunk's size (see chunks).
    # Out: the nearest distances of a's patches among b's, (D, k, J, L), and of b's among a's, (D, J, k, L)
    k = a.size(0)
    h = int(grid[0])
    w = int(grid[1])
    l = h * w
    per = int(chunk)
    g, spares = __torch__.chunks(a, b, per, work)
    nears = []
    fars = []
    for c0 in range(len(spares)):
      j0, j, block = __torch__.run(g, per, b.size(0), l, c0)
      near = []
      far = []
      for d in range(grid.size(0) - 2):
        c = __torch__.squared_distances(block, k, j, h, w, int(grid[d + 2]), ia[d], ib[d].narrow(0, j0, j),
            na[d], nb[d].narrow(0, j0, j), spares[c0])
        near.append(__torch__.rows(c))
        far.append(__torch__.columns(c))
      nears.append(torch.stack(near))
      fars.append(torch.stack(far))
    return (torch.cat(nears, 2), torch.cat(fars, 1))

class NearestPatchBoxRows(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def forward(self: __torch__.NearestPatchBoxRows,
    a: Tensor,
    b: Tensor,
    ia: Tensor,
    ib: Tensor,
    na: Tensor,
    nb: Tensor,
    grid: Tensor,
    chunk: Tensor,
    work: Tensor) -> Tensor:
    # as NearestPatchBoxes where only a's side is wanted (query images against references that are not
    # scored back, an inspector's bank): the row minima (D, k, J, L) and no column reduction
    k = a.size(0)
    h = int(grid[0])
    w = int(grid[1])
    l = h * w
    per = int(chunk)
    g, spares = __torch__.chunks(a, b, per, work)
    parts = []
    for c0 in range(len(spares)):
      j0, j, block = __torch__.run(g, per, b.size(0), l, c0)
      near = []
      for d in range(grid.size(0) - 2):
        s = __torch__.box_products(block, k, j, h, w, int(grid[d + 2]), spares[c0])
        # -||a - b||^2 + ||a||^2 = 2 cos - ||b||^2; ||a||^2 is the same along the maximum's axis and is
        # taken off after it (a subtraction rounds monotonically, so the maximum is the same)
        c = __torch__.scaled(s, k, j, l, ia[d], ib[d].narrow(0, j0, j), spares[c0]).sub_(
            nb[d].narrow(0, j0, j).reshape([j * l, 1]))
        near.append(__torch__.distances(torch.amax(c.view([j, l, k, l]), [1]).sub_(na[d].view([1, k, l]))).transpose(0, 1))
      parts.append(torch.stack(near))
    return torch.cat(parts, 2)

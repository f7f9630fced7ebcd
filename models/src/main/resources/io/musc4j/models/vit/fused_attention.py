class FusedAttention(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def forward(self: __torch__.FusedAttention,
    q: Tensor,
    k: Tensor,
    v: Tensor) -> Tensor:
    # q arrives scaled by 1/sqrt(d) (VitWeights), hence scale 1
    return torch.scaled_dot_product_attention(q, k, v, None, 0., False, scale=1.)

class AttentionHeads(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  def forward(self: __torch__.AttentionHeads,
    qkv: Tensor) -> Tensor:
    # qkv (B, T, 3, H, d): the q/k/v product viewed by head, q pre-scaled by 1/sqrt(d). Splitting it
    # into (B, H, T, d) views and merging the heads back here saves seven calls and their handles per
    # block. Out: (B, T, H*d), the heads side by side as the output projection reads them
    split = qkv.permute([2, 0, 3, 1, 4])
    out = torch.scaled_dot_product_attention(split[0], split[1], split[2], None, 0., False, scale=1.)
    return out.transpose(1, 2).reshape([qkv.size(0), qkv.size(1), qkv.size(3) * qkv.size(4)])

package io.musc4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.models.io.SafetensorsWriter;
import io.musc4j.models.layout.ModelLayout;
import io.musc4j.models.profile.BackboneProfiles;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.Mlp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DINOv2 with registers and DINOv2 giant's SwiGLU MLP have no reference run (the official MuSc code has
 * neither), so a tiny network (width 8, 2 heads, 2 blocks, 2 registers, SwiGLU of width 24, patch 2 on a
 * 4×4 image) with seeded random weights in transformers' {@code Dinov2WithRegistersModel} names is run
 * here and recomputed in plain double loops from the definitions:
 * embeddings {@code cat(cls, patches) + pos}, then the registers inserted after the class token;
 * per block {@code x += γ1·Attn(LN1 x)}, {@code x += γ2·W_out(silu(a1)·a2)} with {@code [a1; a2] = W_in LN2 x};
 * taps {@code LN_final} of the block output without the register rows, CLS row zeroed; image feature
 * {@code LN_final} of the last CLS. The same weights in timm's layout (class position folded into the
 * class token, {@code no_embed_class}) give identical numbers.
 */
class RegistersSwigluDefinitionTest {

    private static final int C = 8;
    private static final int HEADS = 2;
    private static final int BLOCKS = 2;
    private static final int REGS = 2;
    private static final int P = 2;
    private static final int M = 2;
    /** transformers: ⌊4·8⌋ = 32 → ⌊32·2/3⌋ = 21 → rounded up to a multiple of 8: 24. */
    private static final int H = 24;
    private static final double EPS = 1e-6;

    private final Map<String, SafetensorsWriter.Tensor> w = new LinkedHashMap<>();
    private final Random random = new Random(7);

    private float[] t(String name, double scale, double offset, long... shape) {
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (offset + scale * random.nextGaussian());
        }
        w.put(name, new SafetensorsWriter.Tensor("F32", shape, v));
        return v;
    }

    private float[] get(String name) {
        return w.get(name).values();
    }

    /** Writes the transformers folder. */
    private Path transformers(Path dir) throws IOException {
        t("embeddings.cls_token", 0.5, 0, 1, 1, C);
        t("embeddings.mask_token", 0.5, 0, 1, C);
        t("embeddings.register_tokens", 0.5, 0, 1, REGS, C);
        t("embeddings.position_embeddings", 0.5, 0, 1, 1 + M * M, C);
        t("embeddings.patch_embeddings.projection.weight", 0.3, 0, C, 3, P, P);
        t("embeddings.patch_embeddings.projection.bias", 0.1, 0, C);
        for (int b = 0; b < BLOCKS; b++) {
            String h = "encoder.layer." + b + ".";
            t(h + "norm1.weight", 0.2, 1, C);
            t(h + "norm1.bias", 0.1, 0, C);
            for (String q : new String[] {"query", "key", "value"}) {
                t(h + "attention.attention." + q + ".weight", 0.4, 0, C, C);
                t(h + "attention.attention." + q + ".bias", 0.1, 0, C);
            }
            t(h + "attention.output.dense.weight", 0.3, 0, C, C);
            t(h + "attention.output.dense.bias", 0.1, 0, C);
            t(h + "layer_scale1.lambda1", 0.3, 0.5, C);
            t(h + "norm2.weight", 0.2, 1, C);
            t(h + "norm2.bias", 0.1, 0, C);
            t(h + "mlp.weights_in.weight", 0.3, 0, 2 * H, C);
            t(h + "mlp.weights_in.bias", 0.1, 0, 2 * H);
            t(h + "mlp.weights_out.weight", 0.2, 0, C, H);
            t(h + "mlp.weights_out.bias", 0.1, 0, C);
            t(h + "layer_scale2.lambda1", 0.3, 0.5, C);
        }
        t("layernorm.weight", 0.2, 1, C);
        t("layernorm.bias", 0.1, 0, C);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"dinov2_with_registers\", \"hidden_size\": 8,"
                + " \"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"mlp_ratio\": 4, \"patch_size\": 2,"
                + " \"image_size\": 4, \"layer_norm_eps\": 1e-06, \"hidden_act\": \"gelu\", \"use_swiglu_ffn\": true,"
                + " \"num_register_tokens\": 2, \"layerscale_value\": 1.0, \"qkv_bias\": true}");
        SafetensorsWriter out = new SafetensorsWriter();
        w.forEach((n, v) -> out.put(n, v.dtype(), v.shape(), v.values()));
        out.write(dir.resolve("model.safetensors"));
        return dir;
    }

    /** The same weights renamed as timm stores DINOv2 with registers (its _convert_dinov2). */
    private Path timm(Path dir) throws IOException {
        SafetensorsWriter out = new SafetensorsWriter();
        float[] cls = get("embeddings.cls_token");
        float[] pos = get("embeddings.position_embeddings");
        float[] folded = new float[C];
        for (int c = 0; c < C; c++) {
            folded[c] = cls[c] + pos[c];
        }
        out.put("cls_token", "F32", new long[] {1, 1, C}, folded);
        out.put("reg_token", "F32", new long[] {1, REGS, C}, get("embeddings.register_tokens"));
        out.put("pos_embed", "F32", new long[] {1, M * M, C}, java.util.Arrays.copyOfRange(pos, C, pos.length));
        out.put("patch_embed.proj.weight", "F32", new long[] {C, 3, P, P}, get("embeddings.patch_embeddings.projection.weight"));
        out.put("patch_embed.proj.bias", "F32", new long[] {C}, get("embeddings.patch_embeddings.projection.bias"));
        for (int b = 0; b < BLOCKS; b++) {
            String h = "encoder.layer." + b + ".";
            String o = "blocks." + b + ".";
            for (String p : new String[] {"weight", "bias"}) {
                int rows = p.equals("weight") ? C * C : C;
                float[] qkv = new float[3 * rows];
                int at = 0;
                for (String q : new String[] {"query", "key", "value"}) {
                    float[] v = get(h + "attention.attention." + q + "." + p);
                    System.arraycopy(v, 0, qkv, at, v.length);
                    at += v.length;
                }
                out.put(o + "attn.qkv." + p, "F32", p.equals("weight") ? new long[] {3 * C, C} : new long[] {3 * C}, qkv);
                copy(out, o + "norm1." + p, h + "norm1." + p);
                copy(out, o + "attn.proj." + p, h + "attention.output.dense." + p);
                copy(out, o + "norm2." + p, h + "norm2." + p);
                copy(out, o + "mlp.fc1." + p, h + "mlp.weights_in." + p);
                copy(out, o + "mlp.fc2." + p, h + "mlp.weights_out." + p);
            }
            copy(out, o + "ls1.gamma", h + "layer_scale1.lambda1");
            copy(out, o + "ls2.gamma", h + "layer_scale2.lambda1");
        }
        copy(out, "norm.weight", "layernorm.weight");
        copy(out, "norm.bias", "layernorm.bias");
        out.write(dir.resolve("model.safetensors"));
        // SwiGLUPacked's fc1 is ⌊8·6⌋ = 48 = 2·24 wide
        Files.writeString(dir.resolve("config.json"), "{\"architecture\": \"vit_giant_patch14_reg4_dinov2\","
                + " \"num_classes\": 0, \"model_args\": {\"img_size\": 4, \"patch_size\": 2, \"embed_dim\": 8,"
                + " \"depth\": 2, \"num_heads\": 2, \"mlp_ratio\": 6.0, \"reg_tokens\": 2},"
                + " \"pretrained_cfg\": {\"tag\": \"lvd142m\"}}");
        return dir;
    }

    private void copy(SafetensorsWriter out, String to, String from) {
        SafetensorsWriter.Tensor t = w.get(from);
        out.put(to, "F32", t.shape(), t.values());
    }

    @Test
    void tokensAndFeatureFollowTheDefinitions(@TempDir Path tmp) throws IOException {
        Path hf = transformers(Files.createDirectory(tmp.resolve("hf")));
        ModelConfig cfg = ModelLayout.locate(hf).config();
        assertEquals(new ModelConfig(BackboneProfiles.DINOV2_WITH_REGISTERS, C, BLOCKS, HEADS, H, P, 4, EPS,
                Mlp.SWIGLU, 0, REGS), cfg);
        float[] image = new float[3 * 4 * 4];
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) random.nextGaussian();
        }
        // the trained grid: the position embedding as stored
        check(hf, image, 4, get("embeddings.position_embeddings"));
        // a 5×5 input has grid ⌊5/2⌋ = 2 too: the stride-2 patchify leaves the last row and column out
        float[] image5 = new float[3 * 5 * 5];
        for (int i = 0; i < image5.length; i++) {
            image5[i] = (float) random.nextGaussian();
        }
        check(hf, image5, 5, get("embeddings.position_embeddings"));

        // a 6×6 input has grid 3; size=3 with antialias=True upsamples 2 → 3 with Keys a = −0.5, support 2,
        // taps j ∈ {0, 1} at centres (o+0.5)·2/3 = 1/3, 1, 5/3. Centre 1/3: K(1/6) = 15/16, K(7/6) = −25/432,
        // normalised 81/76 and −5/76; centre 1: K(1/2) twice, 1/2 and 1/2; centre 5/3 mirrors the first.
        double[][] up = {{81 / 76.0, -5 / 76.0}, {0.5, 0.5}, {-5 / 76.0, 81 / 76.0}};
        float[] pos = get("embeddings.position_embeddings");
        float[] pos3 = new float[(1 + 9) * C];
        System.arraycopy(pos, 0, pos3, 0, C);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
                for (int c = 0; c < C; c++) {
                    double v = 0;
                    for (int sy = 0; sy < 2; sy++) {
                        for (int sx = 0; sx < 2; sx++) {
                            v += up[y][sy] * up[x][sx] * pos[(1 + sy * 2 + sx) * C + c];
                        }
                    }
                    pos3[(1 + y * 3 + x) * C + c] = (float) v;
                }
            }
        }
        float[] image6 = new float[3 * 6 * 6];
        for (int i = 0; i < image6.length; i++) {
            image6[i] = (float) random.nextGaussian();
        }
        check(hf, image6, 6, pos3);

        Path timm = timm(Files.createDirectory(tmp.resolve("timm")));
        assertEquals(cfg, ModelLayout.locate(timm).config());
        BackboneOptions cpu = BackboneOptions.on(ai.djl.Device.cpu()).build();
        try (Backbone a = Backbones.load(hf, cpu); Backbone b = Backbones.load(timm, cpu);
                NDManager m = NDManager.newBaseManager()) {
            for (int s : new int[] {4, 6}) {
                float[] in = s == 4 ? image : image6;
                Features fa = a.forward(m.create(in, new Shape(1, 3, s, s)), new int[] {0, 1});
                Features fb = b.forward(m.create(in, new Shape(1, 3, s, s)), new int[] {0, 1});
                for (int l = 0; l < BLOCKS; l++) {
                    assertArrayEquals(fa.tokensOf(l).toFloatArray(), fb.tokensOf(l).toFloatArray(), "layer " + l);
                }
                assertArrayEquals(fa.imageFeatures().toFloatArray(), fb.imageFeatures().toFloatArray());
            }
        }
    }

    /** The backbone on one s×s image against the definitions computed here with position embedding {@code pos}. */
    private void check(Path dir, float[] image, int s, float[] pos) throws IOException {
        int g = s / P;
        double[][][] expected = reference(image, s, pos);
        try (Backbone bb = Backbones.load(dir, BackboneOptions.on(ai.djl.Device.cpu())
                .imageSize(s).build()); NDManager m = NDManager.newBaseManager()) {
            Features f = bb.forward(m.create(image, new Shape(1, 3, s, s)), new int[] {0, 1});
            double err = 0;
            for (int b = 0; b < BLOCKS; b++) {
                float[] tokens = f.tokensOf(b).toFloatArray();
                assertEquals((1 + g * g) * C, tokens.length, "register rows are dropped");
                for (int i = 0; i < tokens.length; i++) {
                    err = Math.max(err, Math.abs(tokens[i] - expected[b][i / C][i % C]));
                }
            }
            float[] feature = f.imageFeatures().toFloatArray();
            for (int c = 0; c < C; c++) {
                err = Math.max(err, Math.abs(feature[c] - expected[BLOCKS][0][c]));
            }
            System.out.printf("registers+SwiGLU at %d px: max abs err %.3g%n", s, err);
            // float32 against double over 2 blocks of values ~1: rounding stays near 1e-6
            assertTrue(err < 1e-5, "max abs err " + err);
        }
    }

    /** Per block the (1+L, C) taps, then as element BLOCKS the feature (row 0); plain loops in double. */
    private double[][][] reference(float[] image, int s, float[] pos) {
        int g = s / P;
        int l = g * g;
        int n = 1 + REGS + l;
        double[][] x = new double[n][C];
        float[] pw = get("embeddings.patch_embeddings.projection.weight");
        float[] pb = get("embeddings.patch_embeddings.projection.bias");
        for (int c = 0; c < C; c++) {
            x[0][c] = (double) get("embeddings.cls_token")[c] + pos[c];
            for (int r = 0; r < REGS; r++) {
                x[1 + r][c] = get("embeddings.register_tokens")[r * C + c];
            }
            for (int py = 0; py < g; py++) {
                for (int px = 0; px < g; px++) {
                    double v = pb[c];
                    for (int ch = 0; ch < 3; ch++) {
                        for (int ky = 0; ky < P; ky++) {
                            for (int kx = 0; kx < P; kx++) {
                                v += pw[((c * 3 + ch) * P + ky) * P + kx]
                                        * image[(ch * s + py * P + ky) * s + px * P + kx];
                            }
                        }
                    }
                    int p = py * g + px;
                    x[1 + REGS + p][c] = v + pos[(1 + p) * C + c];
                }
            }
        }
        double[][][] out = new double[BLOCKS + 1][][];
        for (int b = 0; b < BLOCKS; b++) {
            String h = "encoder.layer." + b + ".";
            double[][] a = new double[n][];
            for (int t = 0; t < n; t++) {
                a[t] = norm(x[t], h + "norm1");
            }
            double[][] q = linear(a, h + "attention.attention.query");
            double[][] k = linear(a, h + "attention.attention.key");
            double[][] v = linear(a, h + "attention.attention.value");
            int d = C / HEADS;
            double[][] ctx = new double[n][C];
            for (int head = 0; head < HEADS; head++) {
                for (int i = 0; i < n; i++) {
                    double[] e = new double[n];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        for (int z = 0; z < d; z++) {
                            e[j] += q[i][head * d + z] * k[j][head * d + z];
                        }
                        e[j] /= Math.sqrt(d);
                        max = Math.max(max, e[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        e[j] = Math.exp(e[j] - max);
                        sum += e[j];
                    }
                    for (int j = 0; j < n; j++) {
                        for (int z = 0; z < d; z++) {
                            ctx[i][head * d + z] += e[j] / sum * v[j][head * d + z];
                        }
                    }
                }
            }
            double[][] o = linear(ctx, h + "attention.output.dense");
            for (int t = 0; t < n; t++) {
                for (int c = 0; c < C; c++) {
                    x[t][c] += get(h + "layer_scale1.lambda1")[c] * o[t][c];
                }
            }
            double[][] m = new double[n][];
            for (int t = 0; t < n; t++) {
                m[t] = norm(x[t], h + "norm2");
            }
            double[][] in = linear(m, h + "mlp.weights_in");
            double[][] gated = new double[n][H];
            for (int t = 0; t < n; t++) {
                for (int j = 0; j < H; j++) {
                    double x1 = in[t][j];
                    gated[t][j] = x1 / (1 + Math.exp(-x1)) * in[t][H + j];
                }
            }
            double[][] mo = linear(gated, h + "mlp.weights_out");
            for (int t = 0; t < n; t++) {
                for (int c = 0; c < C; c++) {
                    x[t][c] += get(h + "layer_scale2.lambda1")[c] * mo[t][c];
                }
            }
            out[b] = new double[1 + l][];
            out[b][0] = new double[C];
            for (int p = 0; p < l; p++) {
                out[b][1 + p] = norm(x[1 + REGS + p], "layernorm");
            }
        }
        out[BLOCKS] = new double[][] {norm(x[0], "layernorm")};
        return out;
    }

    private double[] norm(double[] v, String prefix) {
        double mean = 0;
        for (double e : v) {
            mean += e / v.length;
        }
        double var = 0;
        for (double e : v) {
            var += (e - mean) * (e - mean) / v.length;
        }
        double[] out = new double[v.length];
        for (int c = 0; c < v.length; c++) {
            out[c] = (v[c] - mean) / Math.sqrt(var + EPS) * get(prefix + ".weight")[c] + get(prefix + ".bias")[c];
        }
        return out;
    }

    /** rows · Wᵀ + b for a stored (out, in) weight. */
    private double[][] linear(double[][] rows, String prefix) {
        float[] wt = get(prefix + ".weight");
        float[] bias = get(prefix + ".bias");
        int outDim = bias.length;
        int inDim = wt.length / outDim;
        double[][] out = new double[rows.length][outDim];
        for (int t = 0; t < rows.length; t++) {
            for (int o = 0; o < outDim; o++) {
                double v = bias[o];
                for (int i = 0; i < inDim; i++) {
                    v += wt[o * inDim + i] * rows[t][i];
                }
                out[t][o] = v;
            }
        }
        return out;
    }
}

using GatoMesh.Torch;
using F = GatoMesh.Torch.Functional;

namespace GatoMesh.Torch.Tests;

/// <summary>
/// Every op family against PyTorch itself: one table row per op, our call beside the PyTorch
/// expression it must equal (to 1e-5), evaluated on the same float64 inputs.
/// </summary>
public sealed class OpsReferenceTests(OpsReferenceTests.Reference reference) : IClassFixture<OpsReferenceTests.Reference>
{
    private delegate Tensor Op(Func<string, Tensor> input);

    private static readonly (string Name, Op Ours, string PyTorch)[] Cases =
    [
        // arithmetic, with broadcasting and scalars
        ("add", t => t("a") + t("b"), "a + b"),
        ("add_alpha", t => t("a").Add(t("b"), alpha: 2), "torch.add(a, b, alpha=2)"),
        ("add_broadcast", t => t("a") + t("row"), "a + row"),
        ("sub", t => t("a") - t("b"), "a - b"),
        ("mul", t => t("a") * t("b"), "a * b"),
        ("div", t => t("a") / t("pos"), "a / pos"),
        ("neg", t => -t("a"), "-a"),
        ("add_scalar", t => t("a") + 2.5, "a + 2.5"),
        ("rsub_scalar", t => 2.0 - t("a"), "2.0 - a"),
        ("mul_scalar", t => 3 * t("a"), "3 * a"),
        ("rdiv_scalar", t => 2.0 / t("pos"), "2.0 / pos"),
        ("int_plus_int_stays_int", t => t("ids") + 1, "ids + 1"),
        ("pow_scalar", t => t("pos").Pow(1.5), "pos ** 1.5"),
        ("pow_tensor", t => t("pos").Pow(t("b")), "pos ** b"),
        ("add_in_place", t => t("a").Clone().AddInPlace(t("b"), 0.5), "a + 0.5 * b"),
        ("mul_in_place", t => t("a").Clone().MulInPlace(t("b")).MulInPlace(2), "a * b * 2"),
        ("copy_fill", t => t("a").Clone().Fill(7).CopyFrom(t("row")), "row.expand(2, 3)"),
        // products
        ("matmul", t => t("a").MatMul(t("m")), "a @ m"),
        ("matmul_vector", t => t("m").MatMul(t("v")), "m @ v"),
        ("bmm", t => t("x").Bmm(t("y")), "torch.bmm(x, y)"),
        ("baddbmm", t => t("xy").Baddbmm(t("x"), t("y"), beta: 0.5, alpha: 2), "torch.baddbmm(xy, x, y, beta=0.5, alpha=2)"),
        // elementwise math
        ("exp", t => t("a").Exp(), "a.exp()"),
        ("log", t => t("pos").Log(), "pos.log()"),
        ("sqrt", t => t("pos").Sqrt(), "pos.sqrt()"),
        ("rsqrt", t => t("pos").Rsqrt(), "pos.rsqrt()"),
        ("tanh", t => t("a").Tanh(), "a.tanh()"),
        ("sigmoid", t => t("a").Sigmoid(), "a.sigmoid()"),
        ("abs", t => t("a").Abs(), "a.abs()"),
        ("floor", t => (t("a") * 3).Floor(), "(a * 3).floor()"),
        ("clamp", t => t("a").Clamp(-0.3, 0.4), "a.clamp(-0.3, 0.4)"),
        ("clamp_min", t => t("a").Clamp(min: 0), "a.clamp(min=0)"),
        // comparisons and selection
        ("gt", t => t("a").Gt(t("b")), "a > b"),
        ("lt_scalar", t => t("a").Lt(0.1), "a < 0.1"),
        ("eq", t => t("a").Eq(t("a")), "a == a"),
        ("ne_scalar", t => t("ids").Ne(2), "ids != 2"),
        ("ge_le", t => t("a").Ge(0).LogicalNot(), "~(a >= 0)"),
        ("where", t => Tensor.Where(t("mask"), t("a"), t("b")), "torch.where(mask, a, b)"),
        ("masked_fill", t => t("a").MaskedFill(t("mask"), -1e9), "a.masked_fill(mask, -1e9)"),
        ("triu", t => t("m").Triu(), "m.triu()"),
        ("tril", t => t("m").Tril(-1), "m.tril(-1)"),
        ("causal_mask", _ => Tensor.CausalMask(4), "torch.ones(4, 4, dtype=torch.bool).tril()"),
        // reductions
        ("sum", t => t("a").Sum(), "a.sum()"),
        ("sum_dim", t => t("x").Sum(1, keepDim: true), "x.sum(1, keepdim=True)"),
        ("mean", t => t("a").Mean(), "a.mean()"),
        ("mean_dim", t => t("x").Mean(-1), "x.mean(-1)"),
        ("max", t => t("a").Max(), "a.max()"),
        ("max_dim_values", t => t("a").Max(1).Values, "a.max(1).values"),
        ("max_dim_indices", t => t("a").Max(1, keepDim: true).Indices, "a.max(1, keepdim=True).indices"),
        ("argmax", t => t("a").ArgMax(), "a.argmax()"),
        ("argmax_dim", t => t("x").ArgMax(2), "x.argmax(2)"),
        // shape
        ("view", t => t("x").View(6, 4), "x.view(6, 4)"),
        ("reshape", t => t("x").Transpose(0, 1).Reshape(4, -1), "x.transpose(0, 1).reshape(4, -1)"),
        ("expand", t => t("row").Expand(3, -1), "row.expand(3, -1)"),
        ("permute", t => t("x").Permute(2, 0, 1), "x.permute(2, 0, 1)"),
        ("transpose", t => t("x").Transpose(0, 2), "x.transpose(0, 2)"),
        ("unsqueeze", t => t("a").Unsqueeze(1), "a.unsqueeze(1)"),
        ("squeeze", t => t("a").Unsqueeze(0).Unsqueeze(2).Squeeze(), "a.unsqueeze(0).unsqueeze(2).squeeze()"),
        ("squeeze_dim", t => t("a").Unsqueeze(0).Squeeze(0), "a.unsqueeze(0).squeeze(0)"),
        ("flatten", t => t("x").Flatten(1), "x.flatten(1)"),
        ("narrow", t => t("x").Narrow(2, 1, 2), "x.narrow(2, 1, 2)"),
        ("cat", t => Tensor.Cat([t("a"), t("b")], 1), "torch.cat([a, b], 1)"),
        ("stack", t => Tensor.Stack([t("a"), t("b"), t("a")], -1), "torch.stack([a, b, a], -1)"),
        // indexing
        ("index_select", t => t("m").IndexSelect(0, t("rows")), "m.index_select(0, rows)"),
        ("gather", t => t("a").Gather(1, t("cols")), "a.gather(1, cols)"),
        ("index_copy", t => t("m").Clone().IndexCopyInPlace(0, t("rows"), t("mrows")), "m.index_copy(0, rows, mrows)"),
        ("arange", _ => Tensor.Arange(0, 5, 0.5, DType.Float64), "torch.arange(0, 5, 0.5, dtype=torch.float64)"),
        ("arange_long", _ => Tensor.Arange(3, 9), "torch.arange(3, 9)"),
        ("topk_values", t => t("x").TopK(2).Values, "x.topk(2).values"),
        ("topk_smallest_indices", t => t("a").TopK(2, dim: 1, largest: false).Indices, "a.topk(2, dim=1, largest=False).indices"),
        // seeded draws equal PyTorch's for the same seed
        ("rand", _ => Seeded(g => Tensor.Rand([2, 3], g, DType.Float64)), "torch.rand(2, 3, generator=torch.Generator().manual_seed(5), dtype=torch.float64)"),
        ("randn", _ => Seeded(g => Tensor.Randn([4], g)), "torch.randn(4, generator=torch.Generator().manual_seed(5))"),
        ("randint", _ => Seeded(g => Tensor.RandInt(0, 128, [6], g)), "torch.randint(0, 128, (6,), generator=torch.Generator().manual_seed(5))"),
        ("uniform", _ => Seeded(g => Tensor.Empty([5]).UniformInPlace(-2, 3, g)), "torch.empty(5).uniform_(-2, 3, generator=torch.Generator().manual_seed(5))"),
        // nn functions
        ("softmax", t => F.Softmax(t("a"), 1), "F.softmax(a, 1)"),
        ("log_softmax", t => F.LogSoftmax(t("x"), -1), "F.log_softmax(x, -1)"),
        ("gelu", t => F.Gelu(t("a") * 3), "F.gelu(a * 3)"),
        ("gelu_tanh", t => F.Gelu(t("a") * 3, tanhApproximation: true), "F.gelu(a * 3, approximate='tanh')"),
        ("causal_attention_weights", t => F.Softmax(t("m").Narrow(1, 0, 3).MaskedFill(Tensor.CausalMask(3).LogicalNot(), double.NegativeInfinity), -1),
            "F.softmax(m[:, :3].masked_fill(~torch.ones(3, 3, dtype=torch.bool).tril(), float('-inf')), -1)"),
        ("relu", t => F.Relu(t("a")), "F.relu(a)"),
        ("linear", t => F.Linear(t("x"), t("w"), t("wb")), "F.linear(x, w, wb)"),
        ("linear_no_bias", t => F.Linear(t("m"), t("w")), "F.linear(m, w)"),
        ("layer_norm", t => F.LayerNorm(t("a"), [3], t("row"), t("b").Narrow(0, 0, 1).Squeeze(0)), "F.layer_norm(a, (3,), row, b[0])"),
        ("layer_norm_plain", t => F.LayerNorm(t("x"), [3, 4]), "F.layer_norm(x, (3, 4))"),
        ("group_norm", t => F.GroupNorm(t("img"), 2, t("gw"), t("gb")), "F.group_norm(img, 2, gw, gb)"),
        ("conv2d", t => F.Conv2d(t("img"), t("k"), t("kb"), padding: (1, 1)), "F.conv2d(img, k, kb, padding=1)"),
        ("conv2d_strided", t => F.Conv2d(t("img"), t("k"), stride: (2, 2)), "F.conv2d(img, k, stride=2)"),
        ("embedding", t => F.Embedding(t("ids"), t("emb")), "F.embedding(ids, emb)"),
        ("dropout_eval", t => F.Dropout(t("a"), 0.5, training: false), "F.dropout(a, 0.5, training=False)"),
        ("cross_entropy_masked", t => F.MaskedCrossEntropy(t("logits"), t("ids"), t("lmask")).Loss,
            "(F.cross_entropy(logits, ids, reduction='none') * lmask).sum() / lmask.sum()"),
        ("cross_entropy_weights", t => F.MaskedCrossEntropy(t("logits"), t("ids"), t("lweights")).Loss,
            "(F.cross_entropy(logits, ids, reduction='none') * lweights).sum() / lweights.sum()"),
        ("cross_entropy_per_token", t => F.MaskedCrossEntropy(t("logits"), t("ids"), t("lmask")).PerToken,
            "F.cross_entropy(logits, ids, reduction='none')"),
    ];

    private static Tensor Seeded(Func<Generator, Tensor> draw)
    {
        using var generator = new Generator(5);
        return draw(generator);
    }

    public static TheoryData<string> CaseNames() => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Op_equals_PyTorch(string name)
    {
        var (_, ours, _) = Cases.Single(c => c.Name == name);
        var expected = reference.Results[name];
        using var scope = DisposeScope.Begin();
        var result = ours(reference.Input);
        Assert.Equal(expected.Shape, result.Shape);
        var actual = result.To(DType.Float64).ToArray<double>();
        Assert.Equal(expected.Data.Length, actual.Length);
        for (var i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected.Data[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected.Data[i])),
                $"{name}[{i}]: ours {actual[i]}, PyTorch {expected.Data[i]}");
    }

    /// <summary>The shared inputs (deterministic, float64 unless named otherwise) and PyTorch's results, computed once.</summary>
    public sealed class Reference : IDisposable
    {
        private static readonly Dictionary<string, PyTorchReference.Input> Inputs = new()
        {
            ["a"] = Floats([2, 3], 1),
            ["b"] = Floats([2, 3], 2),
            ["row"] = Floats([3], 3),
            ["pos"] = Positive([2, 3], 4),
            ["m"] = Floats([3, 4], 5),
            ["v"] = Floats([4], 6),
            ["x"] = Floats([2, 3, 4], 7),
            ["y"] = Floats([2, 4, 5], 8),
            ["xy"] = Floats([2, 3, 5], 9),
            ["w"] = Floats([5, 4], 10),
            ["wb"] = Floats([5], 11),
            ["img"] = Floats([1, 4, 5, 5], 12),
            ["k"] = Floats([2, 4, 3, 3], 13),
            ["kb"] = Floats([2], 14),
            ["gw"] = Floats([4], 15),
            ["gb"] = Floats([4], 16),
            ["emb"] = Floats([5, 3], 17),
            ["mrows"] = Floats([2, 4], 18),
            ["logits"] = Floats([4, 5], 19),
            ["lweights"] = Positive([4], 20),
            ["ids"] = new("int64", [4], [2, 0, 4, 2]),
            ["rows"] = new("int64", [2], [2, 0]),
            ["cols"] = new("int64", [2, 2], [2, 0, 1, 1]),
            ["mask"] = new("bool", [2, 3], [1, 0, 0, 1, 1, 0]),
            ["lmask"] = new("bool", [4], [1, 0, 1, 1]),
        };

        private readonly Dictionary<string, Tensor> tensors;

        public Reference()
        {
            Results = PyTorchReference.Evaluate(Inputs, Cases.ToDictionary(c => c.Name, c => c.PyTorch));
            tensors = Inputs.ToDictionary(i => i.Key, i => Create(i.Value));
        }

        public IReadOnlyDictionary<string, PyTorchReference.Result> Results { get; }

        public Tensor Input(string name) => tensors[name];

        public void Dispose()
        {
            foreach (var t in tensors.Values) t.Dispose();
        }

        private static Tensor Create(PyTorchReference.Input input) => input.DType switch
        {
            "float64" => Tensor.From<double>(input.Data, input.Shape),
            "int64" => Tensor.From<long>(input.Data.Select(d => (long)d).ToArray(), input.Shape),
            "bool" => Tensor.From<bool>(input.Data.Select(d => d != 0).ToArray(), input.Shape),
            _ => throw new ArgumentException($"unknown dtype {input.DType}", nameof(input)),
        };

        // Values in (-1, 1) that differ per element and per input (a fixed sequence, no RNG to keep in sync).
        private static PyTorchReference.Input Floats(long[] shape, int salt)
        {
            var count = shape.Aggregate(1L, (x, y) => x * y);
            return new("float64", shape, Enumerable.Range(0, (int)count).Select(i => Math.Sin(i * 1.7 + salt * 2.3)).ToArray());
        }

        private static PyTorchReference.Input Positive(long[] shape, int salt)
        {
            var f = Floats(shape, salt);
            return f with { Data = f.Data.Select(d => 0.2 + Math.Abs(d)).ToArray() };
        }
    }
}

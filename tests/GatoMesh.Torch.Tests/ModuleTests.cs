using GatoMesh.Torch;
using GatoMesh.Torch.Nn;

namespace GatoMesh.Torch.Tests;

public class ModuleTests
{
    private sealed class Attention : Module
    {
        public Attention(Generator g)
        {
            Qkv = RegisterModule("qkv", new Linear(8, 24, generator: g));
            Dropout = RegisterModule("dropout", new Dropout(0.1, g));
        }

        public Linear Qkv { get; }
        public Dropout Dropout { get; }
    }

    private sealed class Block : Module
    {
        public Block(Generator g)
        {
            Ln = RegisterModule("ln", new LayerNorm(8));
            Attn = RegisterModule("attn", new Attention(g));
        }

        public LayerNorm Ln { get; }
        public Attention Attn { get; }
    }

    private sealed class Tiny : Module
    {
        public Tiny(Generator g)
        {
            Scale = RegisterParameter("scale", Tensor.Ones([1]));
            Embed = RegisterModule("embed", new Embedding(10, 8, g));
            Blocks = RegisterModule("blocks", new ModuleList<Block>([new Block(g), new Block(g)]));
        }

        public Tensor Scale { get; }
        public Embedding Embed { get; }
        public ModuleList<Block> Blocks { get; }
    }

    [Fact]
    public void Parameters_are_named_hierarchically_in_registration_order()
    {
        using var g = new Generator(0);
        using var model = new Tiny(g);
        Assert.Equal(
            ["scale", "embed.weight",
             "blocks.0.ln.weight", "blocks.0.ln.bias", "blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.bias",
             "blocks.1.ln.weight", "blocks.1.ln.bias", "blocks.1.attn.qkv.weight", "blocks.1.attn.qkv.bias"],
            model.NamedParameters().Select(p => p.Name));
        Assert.All(model.Parameters(), p => Assert.True(p.RequiresGrad));
        Assert.Equal(1 + 80 + 2 * (16 + 8 * 24 + 24), model.ParameterCount);
    }

    [Fact]
    public void Names_with_dots_or_duplicates_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new DottedName());
        Assert.Contains("must not contain '.'", e.Message);
        Assert.Contains("already registered", Assert.Throws<ArgumentException>(() => new DuplicateName()).Message);
    }

    private sealed class DottedName : Module
    {
        public DottedName() => RegisterParameter("a.b", Tensor.Ones([1]));
    }

    private sealed class DuplicateName : Module
    {
        public DuplicateName()
        {
            RegisterParameter("w", Tensor.Ones([1]));
            RegisterModule("w", new LayerNorm(2));
        }
    }

    [Fact]
    public void Train_and_eval_reach_every_descendant()
    {
        using var g = new Generator(0);
        using var model = new Tiny(g);
        Assert.True(model.Blocks[1].Attn.Dropout.Training);
        model.Eval();
        Assert.False(model.Blocks[1].Attn.Dropout.Training);
        model.Train();
        Assert.True(model.Blocks[0].Attn.Dropout.Training);
    }

    [Fact]
    public void Parameters_outlive_a_dispose_scope_and_die_with_their_module()
    {
        using var g = new Generator(0);
        Tiny model;
        using (DisposeScope.Begin()) model = new Tiny(g);
        var parameters = model.Parameters().ToList();
        Assert.All(parameters, p => Assert.False(p.IsDisposed));
        model.Dispose();
        Assert.All(parameters, p => Assert.True(p.IsDisposed));
    }

    [Fact]
    public void Zero_grad_clears_every_gradient()
    {
        using var g = new Generator(0);
        using var linear = new Linear(3, 2, generator: g);
        using (var x = Tensor.Ones([4, 3]))
        using (var y = linear.Forward(x))
        using (var loss = y.Sum())
            loss.Backward();
        Assert.All(linear.Parameters(), p => { using var grad = p.Grad; Assert.NotNull(grad); });
        linear.ZeroGrad();
        Assert.All(linear.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void Default_initializations_equal_PyTorchs_for_the_same_seed()
    {
        using var g = new Generator(0);
        using var linear = new Linear(5, 3, generator: g);
        using var embedding = new Embedding(4, 3, g);
        using var conv = new Conv2d(2, 3, 3, generator: g);
        using var norm = new GroupNorm(2, 4);
        var ours = new (string Name, Tensor Tensor)[]
        {
            ("linear_weight", linear.Weight), ("linear_bias", linear.Bias!), ("embedding", embedding.Weight),
            ("conv_weight", conv.Weight), ("conv_bias", conv.Bias!), ("norm_weight", norm.Weight), ("norm_bias", norm.Bias),
        };
        var reference = PyTorchReference.Evaluate(
            new Dictionary<string, PyTorchReference.Input>(),
            new Dictionary<string, string>
            {
                ["linear_weight"] = "lin.weight", ["linear_bias"] = "lin.bias", ["embedding"] = "emb.weight",
                ["conv_weight"] = "conv.weight", ["conv_bias"] = "conv.bias", ["norm_weight"] = "gn.weight", ["norm_bias"] = "gn.bias",
            },
            setup: """
                torch.manual_seed(0)
                lin = torch.nn.Linear(5, 3)
                emb = torch.nn.Embedding(4, 3)
                conv = torch.nn.Conv2d(2, 3, 3)
                gn = torch.nn.GroupNorm(2, 4)
                """);
        foreach (var (name, tensor) in ours)
        {
            Assert.Equal(reference[name].Shape, tensor.Shape);
            using var asDouble = tensor.To(DType.Float64);
            var values = asDouble.ToArray<double>();
            for (var i = 0; i < values.Length; i++)
                Assert.True(Math.Abs(values[i] - reference[name].Data[i]) <= 1e-6, $"{name}[{i}]: ours {values[i]}, PyTorch {reference[name].Data[i]}");
        }
    }

    [Fact]
    public void Blocks_compute_the_shapes_their_documentation_promises()
    {
        using var g = new Generator(1);
        using var scope = DisposeScope.Begin();
        using var conv = new Conv2d(3, 8, 3, stride: 2, padding: 1, generator: g);
        using var norm = new GroupNorm(4, 8);
        using var embed = new Embedding(10, 6, g);
        using var ln = new LayerNorm(6);
        var image = Tensor.Randn([2, 3, 16, 16], g);
        Assert.Equal([2L, 8, 8, 8], norm.Forward(conv.Forward(image)).Shape);
        var ids = Tensor.From<long>([1, 2, 3, 9, 0, 4], [2, 3]);
        Assert.Equal([2L, 3, 6], ln.Forward(embed.Forward(ids)).Shape);
    }
}

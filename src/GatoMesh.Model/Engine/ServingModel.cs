using GatoMesh.Torch;

namespace GatoMesh.Model.Engine;

/// <summary>
/// The weights an engine computes with: the caller's model itself when it already lives on the engine's
/// device in fp32, otherwise a copy on that device whose transformer products are held in the compute
/// precision (bf16: every block's linear weights and biases, converted once here instead of cast by
/// autocast on every call; norms, embeddings and the tied output table stay fp32). The copy's
/// <see cref="GatoModel.Precision"/> makes its blocks and logits run under autocast.
/// </summary>
internal sealed class ServingModel : IDisposable
{
    private readonly bool owned;

    private ServingModel(GatoModel model, bool owned)
    {
        Model = model;
        this.owned = owned;
    }

    public GatoModel Model { get; }
    public Device Device => Model.Embed.Tokens.Weight.Device;

    public static ServingModel For(GatoModel model, Device device, ComputePrecision precision)
    {
        if (model.Embed.Tokens.Weight.Device == device && precision == ComputePrecision.Float32 && model.Precision == precision)
            return new ServingModel(model, owned: false);
        var copy = new GatoModel(model.Config, seed: 0, device);
        using (new NoGradScope())
        using (DisposeScope.Begin())
        {
            foreach (var ((_, target), (_, source)) in copy.NamedParameters().Zip(model.NamedParameters()))
                target.CopyFrom(source);
            if (precision == ComputePrecision.BFloat16)
                foreach (var linear in copy.Blocks.SelectMany(b => b.Linears))
                {
                    linear.Weight.SetData(linear.Weight.To(DType.BFloat16));
                    linear.Bias?.SetData(linear.Bias.To(DType.BFloat16));
                }
        }
        copy.Precision = precision;
        return new ServingModel(copy, owned: true);
    }

    public void Dispose()
    {
        if (owned) Model.Dispose();
    }
}

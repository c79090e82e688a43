using FsCheck;
using FsCheck.Fluent;

namespace GatoMesh.Tokens.Tests.Encoding;

public class ActionDecoderTests
{
    const int V = 32000;
    readonly TokenSpace space = new(V);

    static EmbodimentSpec Mixed => new("mixed", [FieldSpec.Continuous("s", 1)],
        [FieldSpec.Continuous("arm", 3), FieldSpec.Discrete("gripper", [1], 0, 2)]);

    [Fact]
    public void Action_tokens_decode_to_bin_centres_and_discrete_values()
    {
        var action = new ActionDecoder(Mixed, space).Decode([V + 512, V + 710, V + 270, 1]);
        Assert.Equal([(float)MuLaw.Decode(512), (float)MuLaw.Decode(710), (float)MuLaw.Decode(270)], action.GetContinuous("arm"));
        Assert.Equal([1], action.GetDiscrete("gripper"));
    }

    [Theory]
    [InlineData(new[] { V - 1, V, V, 0 }, "action.arm[0]")]
    [InlineData(new[] { V, V + 1024, V, 0 }, "action.arm[1]")]
    [InlineData(new[] { V, V, V, 2 }, "action.gripper[0]")]
    [InlineData(new[] { V, V, V, V }, "action.gripper[0]")]
    [InlineData(new[] { V, V, V }, "action")]
    [InlineData(new[] { V, V, V, 0, 0 }, "action")]
    public void Ids_outside_their_tokens_range_or_the_wrong_count_are_rejected(int[] ids, string field)
    {
        var error = Assert.Throws<ActionTokenException>(() => new ActionDecoder(Mixed, space).Decode(ids));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Decoding_then_encoding_an_action_gives_back_its_tokens()
    {
        var encoder = new TimestepEncoder(Mixed, space);
        var decoder = new ActionDecoder(Mixed, space);
        var ranges = Mixed.ActionIdRanges(space);
        var tokens = Gen.Choose(0, 1023).ArrayOf(3).SelectMany(_ => Gen.Choose(0, 1), (bins, gripper) => (int[])[.. bins.Select(b => V + b), gripper]);
        Prop.ForAll(tokens.ToArbitrary(), ids =>
        {
            var buffer = new TokenBuffer();
            encoder.EncodeAction(decoder.Decode(ids), buffer);
            return buffer.Ids.SequenceEqual(ids) && ids.Select((id, i) => id >= ranges[i].Low && id < ranges[i].High).All(x => x);
        }).QuickCheckThrowOnFailure();
    }
}

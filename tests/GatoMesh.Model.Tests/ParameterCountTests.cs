namespace GatoMesh.Model.Tests;

/// <summary>The counts docs/MODEL.md publishes (and `gatomesh model info` prints), row by row.</summary>
public class ParameterCountTests
{
    [Theory]
    [InlineData("gato-tiny", 396_800, 843_232)]
    [InlineData("gato-small", 3_159_552, 4_818_656)]
    [InlineData("gato-79m", 56_704_512, 84_009_120)]
    [InlineData("gato-364m", 339_981_312, 395_336_576)]
    [InlineData("gato-1.18b", 1_208_602_624, 1_282_308_992)]
    public void Body_and_with_embedding_counts_match_the_documented_table(string preset, long body, long all)
    {
        var config = Presets.Get(preset);
        Assert.Equal(body, TensorLayout.NonEmbeddingParameters(config));
        Assert.Equal(all, TensorLayout.Parameters(config));
    }
}

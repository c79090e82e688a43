namespace GatoMesh.Tokens.Tests.Discrete;

public class DiscreteTokenizerTests
{
    [Fact]
    public void Values_are_their_own_ids()
    {
        Assert.Equal(0, DiscreteTokenizer.Encode(0, 0, 1024, "move", 0));
        Assert.Equal(1023, DiscreteTokenizer.Encode(1023, 0, 1024, "move", 0));
        Assert.Equal(6, DiscreteTokenizer.Decode(6, 0, 7, "move", 0));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(7)]
    [InlineData(1024)]
    public void Values_outside_the_range_are_rejected_naming_field_and_value(int value)
    {
        var error = Assert.Throws<InvalidValueException>(() => DiscreteTokenizer.Encode(value, 0, 7, "move", 2));
        Assert.Equal("move[2]", error.Field);
        Assert.Equal(value.ToString(), error.Value);
    }
}

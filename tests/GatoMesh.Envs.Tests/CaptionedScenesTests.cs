namespace GatoMesh.Envs.Tests;

public class CaptionedScenesTests
{
    [Fact]
    public void A_sample_is_a_function_of_its_seed()
    {
        var a = CaptionedScenes.Generate(42);
        var b = CaptionedScenes.Generate(42);
        var c = CaptionedScenes.Generate(43);
        Assert.Equal(a.Caption, b.Caption);
        Assert.Equal(a.Image, b.Image);
        Assert.False(a.Caption == c.Caption && a.Image.AsSpan().SequenceEqual(c.Image));
    }

    [Fact]
    public void Images_are_64_by_64_rgb_and_captions_name_every_object_drawn()
    {
        for (ulong seed = 0; seed < 100; seed++)
        {
            var sample = CaptionedScenes.Generate(seed);
            Assert.Equal((64, 64, 64 * 64 * 3), (sample.Height, sample.Width, sample.Image.Length));
            Assert.Matches("^a [a-z]+ [a-z]+((, a [a-z]+ [a-z]+)* and a [a-z]+ [a-z]+)?$", sample.Caption);
            foreach (var color in Enum.GetValues<ObjectColor>())
            {
                var named = sample.Caption.Contains(color.ToString().ToLowerInvariant());
                var rgb = GridRenderer.ColorOf(color);
                var drawn = Enumerable.Range(0, 64 * 64).Any(i =>
                    sample.Image[3 * i] == rgb[0] && sample.Image[3 * i + 1] == rgb[1] && sample.Image[3 * i + 2] == rgb[2]);
                Assert.Equal(named, drawn);
            }
        }
    }

    [Fact]
    public void Captions_list_objects_in_reading_order_joined_by_commas_and_and()
    {
        GridObject[] objects =
        [
            new(ObjectType.Box, ObjectColor.Grey, 3, 4), new(ObjectType.Ball, ObjectColor.Red, 5, 0),
            new(ObjectType.Key, ObjectColor.Green, 0, 4),
        ];
        Assert.Equal("a red ball, a green key and a grey box", CaptionedScenes.Caption(objects));
        Assert.Equal("a grey box", CaptionedScenes.Caption(objects[..1]));
    }
}

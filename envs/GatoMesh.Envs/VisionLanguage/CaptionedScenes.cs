using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// The vision-language set: rendered grid-world rooms (64x64 RGB, <see cref="GridRenderer"/>) with
/// one to four objects, each paired with a generated caption naming them in reading order (rows
/// top to bottom, left to right): "a red ball", "a blue key and a grey box", "a red ball, a
/// green key and a purple box". A sample is a function of its seed. There are no actions, so no
/// expert or random score: training uses these as image-caption pairs (paper section 2.1).
/// </summary>
public static class CaptionedScenes
{
    public const string Task = "vision-language";

    public static CaptionRecord Generate(ulong seed)
    {
        var random = SeededRandom.For(seed, 0);
        var room = GridRoom.Generate(random, 1 + random.NextInt(4));
        return new CaptionRecord(seed, GridRenderer.Render(room, drawAgent: false), GridRenderer.Side, GridRenderer.Side, Caption(room.Objects));
    }

    public static string Caption(IEnumerable<GridObject> objects)
    {
        var names = objects.OrderBy(o => o.Y).ThenBy(o => o.X).Select(o => $"a {o.Name}").ToList();
        return names.Count == 1 ? names[0] : $"{string.Join(", ", names[..^1])} and {names[^1]}";
    }
}

using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// The vision-language set: rendered grid-world rooms (64x64 RGB, <see cref="GridRenderer"/>) with
/// one to four objects, each paired with its caption (<see cref="CaptionWords"/>: the objects in reading
/// order). A sample is a function of its seed. Training reads these as image-caption pairs of SentencePiece
/// text (paper section 2.1); the <c>caption</c> task (<see cref="CaptionEnvironment"/>) asks for the same
/// captions as actions and scores them.
/// </summary>
public static class CaptionedScenes
{
    public const string Task = "vision-language";

    /// <summary>The room of seed <paramref name="seed"/>: one to four objects, no agent.</summary>
    public static GridRoom Scene(ulong seed)
    {
        var random = SeededRandom.For(seed, 0);
        return GridRoom.Generate(random, 1 + random.NextInt(4));
    }

    public static CaptionRecord Generate(ulong seed)
    {
        var room = Scene(seed);
        return new CaptionRecord(seed, GridRenderer.Render(room, drawAgent: false), GridRenderer.Side, GridRenderer.Side, Caption(room.Objects));
    }

    public static string Caption(IEnumerable<GridObject> objects) => CaptionWords.Text(CaptionWords.Of(objects));
}

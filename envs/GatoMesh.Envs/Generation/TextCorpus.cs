namespace GatoMesh.Envs;

/// <summary>The sentences the text model is trained on (docs/DATA.md, "Text model"): every grid
/// world mission, so no mission an episode can draw falls outside the model's pieces, and the
/// captions of the generated vision-language samples.</summary>
public static class TextCorpus
{
    public static IEnumerable<string> Missions() =>
        from pickUp in new[] { false, true }
        from type in Enum.GetValues<ObjectType>()
        from color in Enum.GetValues<ObjectColor>()
        select new Mission(pickUp, type, color).Text;

    /// <summary>The missions, then the captions of samples <c>[firstSeed, firstSeed + count)</c>.</summary>
    public static IEnumerable<string> Sentences(ulong firstSeed, int count) =>
        Missions().Concat(Enumerable.Range(0, count).Select(i => CaptionedScenes.Generate(firstSeed + (ulong)i).Caption));
}

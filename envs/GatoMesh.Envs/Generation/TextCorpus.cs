namespace GatoMesh.Envs;

/// <summary>The sentences the text model is trained on (docs/DATA.md, "Text model"): every grid
/// world mission, so no mission an episode can draw falls outside the model's pieces.</summary>
public static class TextCorpus
{
    public static IEnumerable<string> Missions() =>
        from pickUp in new[] { false, true }
        from type in Enum.GetValues<ObjectType>()
        from color in Enum.GetValues<ObjectColor>()
        select new Mission(pickUp, type, color).Text;
}

namespace GatoMesh.Envs;

/// <summary>What the agent is asked to do, BabyAI style: go to an object (succeed when facing it)
/// or pick it up (succeed with the pick-up action while facing it).</summary>
public sealed record Mission(bool PickUp, ObjectType Type, ObjectColor Color)
{
    public string Text => $"{(PickUp ? "pick up" : "go to")} the {Color.ToString().ToLowerInvariant()} {Type.ToString().ToLowerInvariant()}";

    public bool Names(GridObject o) => o.Type == Type && o.Color == Color;
}

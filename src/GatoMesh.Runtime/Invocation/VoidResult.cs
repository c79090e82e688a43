namespace GatoMesh.Runtime.Invocation;

/// <summary>The result of a grain method that returns a plain Task or ValueTask (zero bytes on the wire).</summary>
public readonly struct VoidResult;

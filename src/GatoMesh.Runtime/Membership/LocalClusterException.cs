namespace GatoMesh.Runtime.Membership;

/// <summary>A local development cluster could not be started or stopped; the message says which part and why.</summary>
public sealed class LocalClusterException(string message) : Exception(message);

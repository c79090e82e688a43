namespace GatoMesh.Cli;

/// <summary>A local development cluster could not be started or stopped; the message says which part and why.</summary>
internal sealed class LocalClusterException(string message) : Exception(message);

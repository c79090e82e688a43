namespace GatoMesh.Client;

/// <summary>The socket broke under a request; the request may be retried on a new connection.</summary>
internal sealed class ConnectionLostException(string message, Exception inner) : Exception(message, inner);

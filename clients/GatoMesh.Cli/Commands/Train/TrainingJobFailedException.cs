namespace GatoMesh.Cli;

/// <summary>A distributed training job or one of its workers stopped with an error (the message names the worker).</summary>
internal sealed class TrainingJobFailedException(string message) : Exception(message);

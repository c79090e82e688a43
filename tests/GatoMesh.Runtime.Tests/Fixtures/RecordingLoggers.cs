using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GatoMesh.Runtime.Tests.Fixtures;

/// <summary>A logger factory that keeps every message at Warning or above, so tests can assert what was logged.</summary>
internal sealed class RecordingLoggers : ILoggerFactory, ILoggerProvider, ILogger
{
    public ConcurrentQueue<string> Warnings { get; } = new();

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel)) Warnings.Enqueue(formatter(state, exception));
    }

    public void Dispose()
    {
    }
}

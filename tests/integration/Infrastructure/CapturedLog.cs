using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Console.IntegrationTests.Infrastructure;

/// <summary>What the loggers of a host were handed (register as an <see cref="ILoggerProvider"/>): each entry's level, category and exception.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message, Exception? Exception)> Entries { get; } = new();

    /// <summary>Every exception a logger was handed.</summary>
    public IEnumerable<Exception> Exceptions => Entries.Select(e => e.Exception).OfType<Exception>();

    /// <summary>The entries logged as errors or worse, in words, for a failure message.</summary>
    public IReadOnlyList<string> Errors =>
        [.. Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message} {e.Exception?.GetType().Name} {e.Exception?.Message}")];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            owner.Entries.Enqueue((logLevel, category, formatter(state, exception), exception));
        }
    }
}

using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Console.Nfv.Qemu.Qmp;

/// <summary>
/// One connection to a QEMU machine's monitor (QMP: one JSON object per line over a Unix socket). Commands run one at a
/// time; events that arrive meanwhile (STOP, RESUME, SHUTDOWN, MIGRATION ...) are kept for <see cref="Events"/>.
/// </summary>
public sealed class QmpConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly StreamReader _reader;
    private readonly StreamWriter _writer;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<QmpEvent> _events = [];

    private QmpConnection(Socket socket)
    {
        _socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: false);
        _reader = new StreamReader(stream, new UTF8Encoding(false));
        _writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
    }

    /// <summary>Events seen so far, oldest first.</summary>
    public IReadOnlyList<QmpEvent> Events
    {
        get
        {
            lock (_events)
                return [.. _events];
        }
    }

    /// <summary>Connects, reads the greeting and leaves capabilities negotiation mode.</summary>
    public static async Task<QmpConnection> OpenAsync(string socketPath, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
            var connection = new QmpConnection(socket);
            var greeting = await connection.ReadAsync(ct);
            if (greeting["QMP"] is null)
                throw new QmpException("greeting", $"not a QMP greeting: {greeting.ToJsonString()}");
            await connection.ExecuteAsync("qmp_capabilities", null, ct);
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Runs one command and returns its <c>return</c> value; a QMP error becomes a <see cref="QmpException"/>.</summary>
    public async Task<JsonNode?> ExecuteAsync(string command, JsonObject? arguments, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        await _gate.WaitAsync(ct);
        try
        {
            var message = new JsonObject { ["execute"] = command };
            if (arguments is not null)
                message["arguments"] = arguments.DeepClone();
            await _writer.WriteLineAsync(message.ToJsonString().AsMemory(), ct);
            while (true)
            {
                var reply = await ReadAsync(ct);
                if (reply["event"] is { } name)
                {
                    lock (_events)
                        _events.Add(new QmpEvent(name.GetValue<string>(), reply["data"]?.DeepClone()));
                    continue;
                }

                if (reply["error"] is { } error)
                    throw new QmpException(command, error["desc"]?.GetValue<string>() ?? error.ToJsonString());
                return reply["return"];
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<JsonObject> ReadAsync(CancellationToken ct)
    {
        var line = await _reader.ReadLineAsync(ct) ?? throw new QmpException("read", "the monitor closed the connection");
        return JsonNode.Parse(line) as JsonObject ?? throw new QmpException("read", $"not a JSON object: {line}");
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        _reader.Dispose();
        _socket.Dispose();
        _gate.Dispose();
    }
}

/// <summary>An asynchronous event QEMU sent (its name and data).</summary>
public sealed record QmpEvent(string Name, JsonNode? Data);

/// <summary>QEMU refused a command, or the monitor connection broke.</summary>
public sealed class QmpException(string command, string message) : Exception($"QMP {command}: {message}")
{
    public string Command { get; } = command;
}

internal static class QmpJson
{
    public static string? Text(JsonNode? node, string name) => node?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static long? Number(JsonNode? node, string name) => node?[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}

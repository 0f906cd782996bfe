using System.Collections.Concurrent;
using System.Net;

namespace Console.IntegrationTests.Workflows.Notifications;

/// <summary>A real HTTP listener standing in for a Teams or Slack incoming webhook; it can be told to fail the next calls.</summary>
internal sealed class TestWebhookListener : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private int _failNext;

    private TestWebhookListener(int port)
    {
        BaseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }

    public ConcurrentQueue<ReceivedCall> Calls { get; } = new();

    public static TestWebhookListener Start() => new(TestMailServer.FreePort());

    /// <summary>Answer the next <paramref name="count"/> calls with 503, as a webhook host briefly down does.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failNext, count);

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var fail = Interlocked.Decrement(ref _failNext) >= 0;
            var status = fail ? 503 : 200;
            Calls.Enqueue(new ReceivedCall(
                context.Request.Url?.AbsolutePath ?? "", context.Request.Headers["X-Console-Signature"],
                context.Request.Headers["X-Console-Notice"], context.Request.ContentType, body.ToArray(), status));
            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}

internal sealed record ReceivedCall(string Path, string? Signature, string? NoticeId, string? ContentType, byte[] Body, int AnsweredWith);

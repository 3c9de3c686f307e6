namespace ChatClient;

/// <summary>
/// A chat session with a heartbeat timer. The timer callback and the public Send() both append to the transcript,
/// from different threads.
/// </summary>
public sealed class ChatSession : IDisposable
{
    private readonly List<string> _transcript = new();
    private readonly System.Threading.Timer _heartbeat;

    public ChatSession(string channel)
    {
        Channel = channel;
        _heartbeat = new System.Threading.Timer(_ => Beat(), null, 0, 10);
    }

    public string Channel { get; }

    public IReadOnlyList<string> Transcript => _transcript;

    public void Send(string message)
    {
        _transcript.Add($"{Channel}: {message}");
    }

    public void Dispose() => _heartbeat.Dispose();

    private void Beat()
    {
        _transcript.Add("heartbeat");
    }
}

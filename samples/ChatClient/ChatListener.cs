using System.Net;
using System.Net.Sockets;

namespace ChatClient;

/// <summary>
/// Accepts chat connections on a background task until StopListening() is called from another thread, which then
/// waits for the accept loop to finish. Listen() may be called again while it listens.
/// </summary>
public sealed class ChatListener
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private bool _isListening;
    private bool _acceptLoopDone;
    private int _accepted;

    public int Accepted => _accepted;

    public void Listen()
    {
        // Two quick calls both pass this check: the flag is set only once the accept loop runs.
        if (_isListening)
        {
            return;
        }

        _listener.Start();
        Task.Run(AcceptLoop);
    }

    private void AcceptLoop()
    {
        _isListening = true;
        while (_isListening)
        {
            if (_listener.Pending())
            {
                _listener.AcceptTcpClient().Dispose();
                _accepted++;
            }
        }

        _acceptLoopDone = true;
    }

    public void StopListening()
    {
        _isListening = false;

        // The accept loop polls the flag, so it stops within one iteration: spin until it has.
        while (!_acceptLoopDone)
        {
        }

        _listener.Stop();
    }
}

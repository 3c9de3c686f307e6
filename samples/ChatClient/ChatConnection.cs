using System.Net.WebSockets;
using System.Text;

namespace ChatClient;

/// <summary>
/// A chat connection with a heartbeat: the heartbeat loop and the callers of SendAsync write to one WebSocket.
/// </summary>
public sealed class ChatConnection : IDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();

    public async Task ConnectAsync(Uri server)
    {
        await _socket.ConnectAsync(server, _stop.Token);
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                await _socket.SendAsync(Encoding.UTF8.GetBytes("ping"), WebSocketMessageType.Text, true, _stop.Token);
                await Task.Delay(TimeSpan.FromSeconds(15), _stop.Token);
            }
        });
    }

    public async Task SendAsync(string message, CancellationToken cancellationToken)
    {
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, cancellationToken);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
    }
}

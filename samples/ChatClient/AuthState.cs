namespace ChatClient;

/// <summary>The signed-in token of a chat server and when it expires, read by every request handler.</summary>
public sealed class AuthState
{
    private readonly object _gate = new();
    private string? _token;
    private DateTimeOffset _expiresAt;

    public void SignIn(string token, DateTimeOffset expiresAt)
    {
        lock (_gate)
        {
            _token = token;
            _expiresAt = expiresAt;
        }
    }

    public void SignOut()
    {
        lock (_gate)
        {
            _token = null;
            _expiresAt = default;
        }
    }

    public bool IsSignedIn(string token)
    {
        lock (_gate)
        {
            return _token == token && _expiresAt > DateTimeOffset.UtcNow;
        }
    }

    public string Describe() => "signed in until " + _expiresAt;
}

namespace ChatClient;

/// <summary>The signed-in token of a chat server, read by every request handler.</summary>
public sealed class AuthState
{
    private readonly object _gate = new();
    private string? _token;

    public void SignIn(string token)
    {
        lock (_gate)
        {
            _token = token;
        }
    }

    public void SignOut()
    {
        lock (_gate)
        {
            _token = null;
        }
    }

    public bool IsSignedIn(string token)
    {
        lock (_gate)
        {
            return _token == token;
        }
    }

    public string Describe() => "signed in with " + _token;
}

namespace ChatClient;

/// <summary>Who is online. Built for use from many connections at once: it locks its state, but Leave() forgot to.</summary>
public sealed class PresenceRegistry
{
    private readonly object _gate = new();
    private readonly Dictionary<string, DateTime> _online = new();

    public void Join(string user)
    {
        lock (_gate)
        {
            _online[user] = DateTime.UtcNow;
        }
    }

    public void Leave(string user) => _online.Remove(user);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _online.Count;
            }
        }
    }
}

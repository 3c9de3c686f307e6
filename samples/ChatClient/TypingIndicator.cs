using System.Collections.Concurrent;

namespace ChatClient;

/// <summary>Tracks who is typing; every request of every user calls StartTyping.</summary>
public sealed class TypingIndicator
{
    private readonly ConcurrentDictionary<string, DateTime> _typing = new();

    public bool StartTyping(string user)
    {
        if (_typing.ContainsKey(user))
        {
            return false;
        }

        _typing[user] = DateTime.UtcNow;
        return true;
    }

    public void StopTyping(string user) => _typing.TryRemove(user, out _);
}

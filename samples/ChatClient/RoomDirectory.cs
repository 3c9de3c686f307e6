namespace ChatClient;

/// <summary>
/// The rooms of the server: every connection's handler opens rooms and posts to them, from many threads at once.
/// </summary>
public sealed class RoomDirectory
{
    private readonly object _sync = new();
    private readonly Dictionary<string, string> _owners = new();
    private int _delivered;

    /// <summary>The check and the add take the lock twice: two users both see the room free and the second Add throws.</summary>
    public bool Open(string room, string owner)
    {
        bool taken;
        lock (_sync)
        {
            taken = _owners.ContainsKey(room);
        }

        if (taken)
        {
            return false;
        }

        lock (_sync)
        {
            _owners.Add(room, owner);
        }

        return true;
    }

    public void Close(string room)
    {
        lock (_sync)
        {
            _owners.Remove(room);
        }
    }

    /// <summary>The count is read in one statement and written back in the next: deliveries are lost from the count.</summary>
    public void DeliverAll(IEnumerable<string> messages)
    {
        Parallel.ForEach(messages, message =>
        {
            Console.WriteLine(message);
            var delivered = _delivered;
            _delivered = delivered + 1;
        });
    }
}

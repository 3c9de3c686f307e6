namespace ChatClient;

/// <summary>A cache built by parallel workers: the Dictionary is written from several Task.Run lambdas at once.</summary>
public sealed class PartCache
{
    private readonly Dictionary<string, string> _partCacheKeys = new();

    public int Count => _partCacheKeys.Count;

    public async Task WarmUpAsync(IReadOnlyList<string> parts)
    {
        var workers = new List<Task>();
        foreach (var part in parts)
        {
            workers.Add(Task.Run(() => _partCacheKeys[part] = part.ToUpperInvariant()));
        }

        await Task.WhenAll(workers);
    }
}

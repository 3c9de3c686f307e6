namespace ChatClient;

public static class WordStats
{
    /// <summary>Parallel.ForEach adding to one List: entries are lost or the list throws under load.</summary>
    public static List<int> LengthsOf(IEnumerable<string> words)
    {
        var lengths = new List<int>();
        Parallel.ForEach(words, word => lengths.Add(word.Length));
        return lengths;
    }
}

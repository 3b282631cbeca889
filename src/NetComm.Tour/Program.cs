using NetComm.Tour;

// The README's main job: walks the network-programming tutorial on loopback and exits 0,
// or prints one line saying what failed and exits 1.
return await TourRunner.RunAsync(args, Console.Out).ConfigureAwait(false);

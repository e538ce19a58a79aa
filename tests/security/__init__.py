"""Security limits of the crawler and the parser, each tested against real servers and files."""

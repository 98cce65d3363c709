require "set"

# Turns titles into unique URL slugs.
class Slugger
  attr_reader :seen

  def initialize
    @seen = Set.new
  end

  def slug(title)
    base = title.downcase.strip.gsub(/[^a-z0-9]+/, "-")
    candidate = base
    n = 1
    while @seen.include?(candidate)
      n += 1
      candidate = "#{base}-#{n}"
    end
    @seen << candidate
    candidate
  end
end
